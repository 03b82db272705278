# SPDX-License-Identifier: EUPL-1.2
"""Given names and surnames of origins that deduce's Dutch lists cover thinly.

Written for FlagDesk from general knowledge of common names in the Netherlands' larger
communities and among platform staff (Arabic and Moroccan-Berber, Turkish, Surinamese-
Hindustani and Creole, Polish, Ukrainian and Russian, Chinese and Vietnamese, West- and
East-African, South-Asian); names are facts, and no list was copied from another work, so
the lists carry FlagDesk's licence (EUPL-1.2). Spellings cover the usual Dutch and English
transliterations ("Youssef", "Yusuf", "Joesoef"). Names that are also ordinary English or
Dutch words ("Can", "Sun", "Long", "Hope") are left out: they would redact words.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also English or Dutch words, weekday abbreviations or particles: listing
# them would redact ordinary text ("Dan", "Said", "Long", "Thu", "Van", "Pan", "Ding").
_WORDS_TOO = _words(
    """
    Van Dan Long Min Said Thu Roman Maxim Chanel Orlando Tuba Fang Ping Gang Dung Hung Lan
    Mei Vy Bo Bin Hao Jun Lei Rui Tao Xin Yan Yun Yong Nadir Islam Das Bose Butt Fall Sow Bah
    He Ho Do Le Ye Du Lu Su Ma Yu Sy Ly Vo Na Yi Sun Song Tang Pan Fan Ding Ren Nam Hai
    """
)


FIRST_NAMES = frozenset(
    name
    for name in _words(
        """
    Abdel Abdelkader Abdellah Abdelhak Abderrahim Abdelaziz Abdelilah Abdessamad Abdou Abdul
    Abdullah Abdulrahman Abdurrahman Achraf Adil Ahlam Aicha Aïcha Aisha Ali Amal Amina Amine
    Amir Anas Anouar Anwar Asmae Asma Ayman Ayoub Badr Bilal Bouchra Brahim Chaima Chaimae
    Dounia Driss Fadoua Fadwa Farid Fatiha Fatima Fatma Fouad Ghizlane Hafsa Hajar Hakim Halima
    Hamid Hamza Hanan Hanane Hassan Hayat Hicham Houda Hussein Ibrahim Ikram Ilham Ilyas Imane
    Iman Ismail Jamal Jamila Kamal Karim Karima Khadija Khalid Latifa Layla Leila Lina Loubna
    Majid Malika Mariam Maryam Meryem Mohamed Mohammed Mohammad Mostafa Mounir Mourad Mustafa
    Nabil Nadia Naima Najat Najib Nordin Noureddine Omar Othman Rachid Rashid Redouan Redouane
    Rida Saïd Said Saida Salah Salim Salma Samir Samira Sanae Sara Siham Soufiane Sofian
    Soufyan Tarik Tariq Wafae Walid Yassine Yasmina Yasmine Yassir Youssef Yousef Yusuf
    Joesoef Zakaria Zakariya Zineb Zaynab Zainab Zoubida Mimoun Mohand Lahcen Lhoussaine Aziz
    Hassan Said Touria Thami Driss Ijjou Tleitmas Tafsut Dihya Massinissa Yuba Tiziri Amastan
    Ayşe Aysel Aynur Ahmet Arda Aslı Barış Berk Burak Büşra Cem Cemal Cengiz Derya Dilek Ebru
    Elif Emine Emre Erdem Esra Fadime Fatih Gökhan Gül Gülsen Hakan Hatice Hülya İbrahim Kemal
    Kübra Leyla Mehmet Melek Merve Murat Mustafa Necla Nesrin Oğuz Orhan Özlem Recep Selin
    Serkan Sevda Sibel Songül Süleyman Şule Tuba Tuncay Türkan Ümit Volkan Yasemin Yusuf
    Zehra Zeynep Ertan Erkan Ercan Halil Hüseyin Osman Ramazan Sinan Tolga Yavuz Yunus Kaan
    Rakesh Ramesh Rajesh Rajendra Anil Sunil Vinod Vijay Sanjay Suresh Mahesh Dinesh Naresh
    Ashwin Ashok Anand Arvind Deepak Devika Dewika Shanti Shanta Sita Radha Rani Priya Pooja
    Kavita Sunita Anita Rita Savitri Indra Chandra Sharmila Nirmala Kamla Usha Asha Lakshmi
    Shiva Shivani Ravi Ravindra Sewnath Soekdew Soenil Radjesh Ramdin Ramdjan Roshni Kiran
    Nisha Meena Bhagwandas Jairam Sarita Satish Ajay Amit Rahul Arjun Ananya Sanjana Aditya
    Winston Glenn Errol Romeo Ruth Marciano Dwight Milton Orlando Rodney Humphrey Jurgen
    Lucia Aniska Ranomi Shanice Chanel Quincy Jermaine Virgil Clarence Edgar Ivan
    Agnieszka Aleksandra Anna Barbara Bartosz Beata Dariusz Dorota Ewa Grzegorz Hanna Iwona
    Jacek Jakub Jan Janusz Joanna Jolanta Kamil Karolina Katarzyna Krzysztof Łukasz Lukasz
    Maciej Magdalena Małgorzata Malgorzata Marcin Marek Mariusz Marta Mateusz Michał Michal
    Monika Natalia Paulina Paweł Pawel Piotr Przemysław Rafał Robert Sebastian Sylwia Szymon
    Tomasz Wojciech Zbigniew Zofia Żaneta Wiktoria Kacper Dawid Bogdan Mirosław Stanisław
    Oleksandr Oleksiy Oleksii Olena Olga Oksana Iryna Kateryna Yulia Yuliia Tetiana
    Tetyana Natalia Nataliia Svitlana Viktoriia Viktoria Anastasia Anastasiia Mykola Mykhailo
    Andriy Andrii Dmytro Dmitro Dmitri Dmitry Serhiy Serhii Volodymyr Vasyl Yaroslav Taras
    Bohdan Vitalii Vitaliy Yurii Yuriy Ihor Igor Maksym Maxim Artem Denys Roman Halyna Lyudmyla
    Liudmyla Nadiya Larysa Valentyna Khrystyna Sofiia Daryna Polina Vladimir Sergei Sergey
    Alexei Aleksei Nikolai Yevgeny Ekaterina Tatiana Svetlana Irina Elena Marina Ludmila
    Wei Jing Xiaoling Xiaoming Xiaoyu Xiaohong Xiaomei Jiayi Jiahui Yutong Zihan Zixuan Yuxuan
    Haoran Hao Jie Jun Lei Ling Mei Min Na Ning Ping Qiang Qing Rui Tao Ting Xin Xue Yan Yi
    Ying Yong Yu Yun Zhen Zhi Zhiwei Jianguo Jianhua Lihua Lijuan Xiuying Guiying Yuhang
    Chun Fang Hui Juan Kai Li Lin Lan Hong Hua Jian Feng Bo Bin Cheng Chao Dan Gang
    Anh Binh Cuong Dung Duc Hai Hanh Hieu Hoa Hoang Hung Huong Huy Khanh Lan Linh Long Mai
    Minh Nam Ngoc Nhung Phuong Quang Quynh Thanh Thao Thi Thu Thuy Trang Trung Tuan Tung Van
    Viet Vy Xuan Hương Ngọc Thảo Quỳnh Tuấn Dũng
    Kwame Kwabena Kwaku Kwasi Kofi Kojo Yaw Kobina Akosua Abena Adwoa Afua Ama Akua Yaa Efua
    Esi Adjoa Ekow Nana Kweku Akwasi Chidi Chinedu Chukwuemeka Emeka Ikenna Obinna Uchenna
    Nnamdi Chiamaka Chioma Ngozi Nkechi Adaeze Amaka Ifeoma Oluwaseun Seun Olusegun Oluwafemi
    Femi Tunde Babatunde Adewale Adebayo Ayodele Funmilayo Folake Yetunde Temitope Tope
    Olumide Bolaji Kunle Sade Aminata Mamadou Moussa Ousmane Fatou Fatoumata Awa Aïssatou
    Ibrahima Cheikh Modou Lamin Alieu Binta Mariama Kadiatou Aboubacar Sekou Souleymane
    Thandiwe Thabo Sipho Lindiwe Nomvula Themba Zanele Bongani Tendai Tatenda Chipo Wanjiru
    Wanjiku Njeri Kamau Otieno Achieng Akinyi Amara Abdi Abdirahman Hodan Fadumo Ayaan
    Yohannes Tesfaye Mekdes Selam Dawit Haile Tsegaye Meron Semhar Filmon Yonas Senait
    Rahim Rahima Karimullah Mohammad Ahmad Farhan Imran Irfan Faisal Bilal Usman Zubair Sana
    Ayesha Nasreen Shabnam Parveen Rukhsana Tahir Javed Junaid Saima Arif Asif Nadeem Naveed
    Arash Dariush Shirin Parisa Mehdi Reza Hossein Maryam Leila Niloufar Azadeh Babak Kaveh
    Goli Samira Mahsa Nima Omid Siavash Bahar Hamed Hamid Navid Payam Sina
    """
    )
    if len(name) >= 3 and name not in _WORDS_TOO
)

SURNAMES = (
    _words(
        """
    Amrani Azzouzi Benali Bouazza Bouzid Boukhari Bouali Chaoui Chakir Elbaz Idrissi Khattabi
    Ouali Ouhadi Tahiri Touzani Zaoui Ziani Aboutaleb Achahbar Ahajjam Akhnikh Amezian
    Aouragh Azarkan Bakkali Belhaj Benhaddou Bennani Bouchtaoui Boukhriss Bouyeri Chadli
    Chahid Daoudi Elhamdaoui Hamdaoui Haddouchi Jebli Kaddouri Lamrani Marzouki Messaoudi
    Moussaoui Nadir Rahmouni Saidi Sebbar Tazi Yousfi Zaari Zerouali Ait Taleb Mokhtari
    Yılmaz Yilmaz Kaya Demir Şahin Sahin Çelik Celik Yıldız Yildiz Yıldırım Yildirim Öztürk
    Ozturk Aydın Aydin Özdemir Ozdemir Arslan Doğan Dogan Kılıç Kilic Aslan Çetin Cetin Kara
    Koç Koc Kurt Özkan Ozkan Şimşek Simsek Polat Erdoğan Erdogan Aksoy Güneş Gunes Bulut Tekin
    Korkmaz Karaca Keskin Ünal Unal Aktaş Aktas Turan Acar Yavuz Uçar Ucar Güler Guler Bozkurt
    Ramsaroep Ramlakhan Jagesar Sewdien Mahabier Bhoendie Soekhram Ramdin Ramdjan Ramautar
    Raghoebar Rambaran Sital Kalloe Bissumbhar Baldewsingh Jhinkoe Mangal Debipersad Gobardhan
    Ramkisoen Ramcharan Ramphal Doerga Jhagroe Sewtahal Chotkan Kanhai Mohan Persaud Jaggan
    Kowalczyk Kowalski Kowalska Nowak Wiśniewski Wiśniewska Wisniewski Wisniewska Wójcik Wojcik
    Kamiński Kaminski Kamińska Lewandowski Lewandowska Zieliński Zielinski Zielińska Zielinska
    Szymański Szymanski Woźniak Wozniak Dąbrowski Dabrowski Kozłowski Kozlowski Jankowski
    Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Grabowska Nowakowski Pawłowski Michalski
    Wróbel Wrobel Adamczyk Dudek Zając Zajac Wieczorek Jabłoński Jablonski Król Krol Majewski
    Olszewski Jaworski Malinowski Pawlak Witkowski Walczak Stępień Stepien Górski Gorski Rutkowski
    Michalak Sikora Ostrowski Baran Duda Szewczyk Tomaszewski Pietrzak Marciniak Wróblewski
    Shevchenko Bondarenko Kovalenko Boyko Tkachenko Kravchenko Kovalchuk Koval Oliynyk Shevchuk
    Polishchuk Bondar Tkachuk Marchenko Moroz Lysenko Rudenko Savchenko Petrenko Melnyk
    Melnik Kravets Kravets Klymenko Pavlenko Ponomarenko Sydorenko Levchenko Karpenko
    Vasylenko Zhuk Hnatyuk Romanenko Yakovenko Kuzmenko Ivanenko Dmytrenko Hrytsenko Ivanov
    Petrov Sidorov Smirnov Kuznetsov Popov Sokolov Volkov Morozov Novikov Fedorov Ivanova
    Petrova Smirnova Kuznetsova Popova Volkova
    Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng
    Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du
    Ye Cheng Wei Su Lu Ding Ren Shen Yao Fan Jin Wong Chan Cheung Lam Leung Ng Ho Tsang Chow
    Nguyen Nguyễn Tran Trần Le Lê Pham Phạm Hoang Hoàng Vu Vũ Vo Võ Dang Đặng Bui Bùi Do Đỗ
    Ngo Ngô Duong Dương Ly Lý Truong Trương Phan Huynh Huỳnh
    Mensah Asante Owusu Boateng Osei Adjei Appiah Agyeman Amoah Ansah Darko Frimpong Gyamfi
    Kuffour Kufuor Nkrumah Ofori Opoku Sarpong Yeboah Addo Acheampong Antwi Badu Bonsu Danquah
    Okafor Okeke Okonkwo Okoro Eze Nwosu Nwachukwu Obi Okoye Onyeka Ugwu Chukwu Nnaji
    Adeyemi Adebayo Adeleke Adewale Afolabi Akinola Akande Balogun Bello Ogunleye Okonjo
    Oyelaran Olawale Oyewole Babatunde Ogundipe Diallo Diop Ndiaye Sow Sy Fall Cisse Cissé
    Traoré Traore Touré Toure Keita Camara Coulibaly Konaté Konate Sangaré Sangare Kouyaté
    Jallow Ceesay Bah Barry Conteh Kamara Sesay Koroma Bangura Nkosi Dlamini Mokoena Ndlovu
    Khumalo Mthembu Zulu Moyo Mwangi Ochieng Otieno Kamau Njoroge Wanjiru Haile Tesfaye
    Gebremedhin Tesfamariam Abraha Kidane Weldemariam Mohamud Warsame Farah Hassan Ahmed
    Chowdhury Rahman Hossain Islam Uddin Begum Akhtar Siddiqui Qureshi Malik Khan Sheikh
    Iqbal Butt Chaudhry Mirza Patel Shah Sharma Gupta Singh Kumar Verma Reddy Iyer Nair Rao
    Mehta Desai Joshi Pillai Menon Bhat Kapoor Malhotra Banerjee Chatterjee Mukherjee Das Bose
    Hosseini Mohammadi Ahmadi Karimi Rezaei Moradi Jafari Rahimi Sadeghi Ebrahimi Kazemi
    """
    )
    - _WORDS_TOO
)
